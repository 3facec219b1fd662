"""The accounts of tests/fixtures/socialkpi.test.yml."""

IG_ACCOUNT = "17841400000000001"
IG_OTHER_ACCOUNT = "17841400000000002"
GA4_PROPERTY = "345678901"
