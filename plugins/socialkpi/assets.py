"""The Airflow Assets that connect the DAGs: raw data published -> marts rebuilt."""

from airflow.sdk import Asset

RAW = Asset(name="socialkpi_raw", uri="socialkpi://warehouse/raw")
MARTS = Asset(name="socialkpi_marts", uri="socialkpi://warehouse/marts")
