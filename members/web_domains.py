"""Which web domain is a school's own: the one rule for what an address there proves.

A verified address at a school's own domain shows that the school gave the person an
address, so they work there (docs/rules.md, "Posts and verification"). A domain is the
school's own when:

- the school's website is the whole of a host ("www.larkwell.sch.uk"), not pages under
  a path of it ("www.oxfordshire.gov.uk/schools/larkwell": someone else's site);
- the host is not under a council's or a hosting service's domain (HOSTS_OF_OTHERS),
  where whoever the council or the service employs has an address; and
- no other open school in the register gives the same host, or a host under it, as its
  website (a trust's or a federation's site shared by its schools).

Anything else proves nothing, and the post waits for a person to decide. Plain
functions of strings, so the migration that re-examined old verifications (members
0007) applies the same rule.
"""

from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

# Councils' domains (all under gov.uk) and services that host many organisations' sites.
HOSTS_OF_OTHERS = (
    "gov.uk",
    "google.com",
    "wordpress.com",
    "wixsite.com",
    "weebly.com",
    "squarespace.com",
    "blogspot.com",
    "github.io",
)

# A site's home page: "www.x.sch.uk/index.html" is still the whole of x.sch.uk.
HOME_PAGES = {"", "/", "/index.html", "/index.htm", "/index.php", "/home", "/default.aspx"}


def _split(website: str) -> SplitResult:
    website = website.strip().lower()
    return urlsplit(website if "//" in website else f"//{website}")


def host_of(website: str) -> str:
    """The host a website lives on, without "www.": "https://www.x.sch.uk/a" gives "x.sch.uk"
    ("" for no website, or a bare word nobody could have an address at)."""
    if not website.strip():
        return ""
    try:
        host = _split(website).hostname or ""
    except ValueError:  # "http://[x" and other broken URLs
        return ""
    host = host.removeprefix("www.")
    return host if "." in host else ""


def is_under(host: str, domain: str) -> bool:
    """The host is the domain or one of its subdomains."""
    return host == domain or host.endswith(f".{domain}")


def own_domain(website: str, other_websites: Iterable[str]) -> str:
    """The school's own domain from its website, or "" when it has none (see above).

    `other_websites`: those of the register's other open schools (any superset of the ones
    whose host falls under this host will do).
    """
    host = host_of(website)
    if not host:
        return ""
    parts = _split(website)
    if parts.path not in HOME_PAGES or parts.query:
        return ""  # pages under someone else's site
    if any(is_under(host, other) for other in HOSTS_OF_OTHERS):
        return ""
    if any(is_under(host_of(other), host) for other in other_websites):
        return ""  # shared with another school: a trust's, a federation's or a host's
    return host


def address_domain(email: str) -> str:
    return email.strip().lower().rsplit("@", 1)[-1]
