"""`make bench` judges each page by the issue's targets: its share of the bare view, and
for the administrators' membership lists, the admin's or the office's at 5 times the
stock admin."""

from bench.run import verdict


def _page(name, kind, rps, stock=None):
    page = {"name": name, "kind": kind, "rps": rps, "errors": 0, "queries_cold": 5}
    if stock is not None:
        page["stock"] = stock
    return page


def test_a_signed_in_page_under_a_tenth_of_the_bare_view_misses():
    assert verdict(_page("Thread", "signed in", 420), 4000, None, 0) == "met"
    assert verdict(_page("Thread", "signed in", 380), 4000, None, 0) == "missed: < 10%"


def test_either_membership_list_at_five_times_the_stock_admin_meets_the_target():
    office = _page("Office: member list", "signed in", 520, stock=False)
    admin = _page("Admin: membership list", "admin", 120, stock=False)
    assert verdict(office, 4000, 34, 520) == "met"
    assert verdict(admin, 4000, 34, 520) == "met by the other list (5x stock)"
    # Neither at five times: both miss.
    slow_office = _page("Office: member list", "signed in", 160, stock=False)
    assert verdict(admin, 4000, 34, 160) == "missed: < 5x stock"
    assert verdict(slow_office, 4000, 34, 160) == "missed: < 10%, < 5x stock"


def test_the_stock_admin_is_the_reference():
    stock = _page("Admin: membership list, stock Django", "admin", 34, stock=True)
    assert verdict(stock, 4000, 34, 520) == "reference"
