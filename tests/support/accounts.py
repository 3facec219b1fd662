"""The accounts of tests/fixtures/socialkpi.test.yml."""

IG_ACCOUNT = "17841400000000001"
IG_OTHER_ACCOUNT = "17841400000000002"
GA4_PROPERTY = "345678901"
FB_PAGE = "104000000000001"
FB_OTHER_PAGE = "104000000000002"
X_USER = "2244994945"
X_OTHER_USER = "783214"
LI_ORG = "90362860"
LI_OTHER_ORG = "108187115"
YT_CHANNEL = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
TT_USER = "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
PLAUSIBLE_SITE = "northwind.example"
PLAUSIBLE_OTHER_SITE = "shop.northwind.example"

# The first account of every source.
FIRST_ACCOUNT = {
    "instagram": IG_ACCOUNT,
    "facebook": FB_PAGE,
    "x": X_USER,
    "linkedin": LI_ORG,
    "youtube": YT_CHANNEL,
    "tiktok": TT_USER,
    "ga4": GA4_PROPERTY,
    "plausible": PLAUSIBLE_SITE,
}
