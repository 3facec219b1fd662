# syntax=docker/dockerfile:1
# One image for every Airflow service in docker-compose.yml. The DAGs, the package, dbt and GX
# are bind-mounted there; the image holds the locked dependencies and an installed socialkpi.
FROM python:3.11-slim

ENV AIRFLOW_HOME=/opt/airflow \
    HOME=/opt/airflow \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# Every version is pinned in the lock (CeleryExecutor's runtime included), so nothing here is
# resolved at build time.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes --no-deps -r /tmp/requirements.lock

COPY pyproject.toml README.md /tmp/socialkpi/
COPY plugins/ /tmp/socialkpi/plugins/
# pip check fails the build if --no-deps left any requirement unmet.
RUN pip install --no-deps /tmp/socialkpi \
    && rm -rf /tmp/socialkpi /tmp/requirements.lock \
    && pip check

# Group 0 owns AIRFLOW_HOME so compose may run the image under any uid (AIRFLOW_UID).
# The named volumes mounted on logs/, auth/ and .socialkpi/ start with this ownership.
RUN useradd --uid 50000 --gid 0 --home-dir /opt/airflow --no-create-home --shell /bin/bash airflow \
    && mkdir -p /opt/airflow/dags /opt/airflow/plugins /opt/airflow/logs /opt/airflow/auth \
       /opt/airflow/dbt_project /opt/airflow/expectations /opt/airflow/.socialkpi \
    && chown -R 50000:0 /opt/airflow \
    && chmod -R g=u /opt/airflow

USER 50000
WORKDIR /opt/airflow
EXPOSE 8080
CMD ["airflow", "version"]
