"""Errors a person acts on. Each message is one line that names the fix."""


class SocialKpiError(Exception):
    """Base class: the CLI prints these as one line, without a traceback."""


class ConfigError(SocialKpiError):
    """The configuration file is missing, malformed or names something unknown."""


class WarehouseError(SocialKpiError):
    """The warehouse cannot be started or reached."""


class CredentialsError(SocialKpiError):
    """A source's token is missing, expired or rejected (HTTP 401, Meta error 190)."""


class SourceError(SocialKpiError):
    """A source API answered something the extractor cannot use."""


class QuotaExhausted(SourceError):
    """The source's quota is used up for the day; retrying before it resets only burns requests."""


class ValidationFailed(SocialKpiError):
    """A landed batch failed its expectations and was quarantined."""


class TransientSourceError(SourceError):
    """A failure a later attempt may not meet: a timeout, a reset connection, 5xx after the client's
    own retries, throttling beyond its budget. The task fails so that Airflow's retries apply."""


class ForeignHost(SourceError):
    """A link (a `next` page) points outside the source's configured hosts; the token is not sent
    there, and a retry would be refused the same way."""
