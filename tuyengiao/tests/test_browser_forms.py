"""Real browser: a form is posted once however often its button is pressed
(``static/js/forms.js``)."""

from __future__ import annotations

from typing import Any

import pytest

from tuyengiao.study.models import Campaign
from tuyengiao.tests import factories
from tuyengiao.trust.tests.test_browser import browser, page, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Submits the campaign form twice with its button, as a double click does, and says of
# each submit whether the page let it go; a listener on window (after every other)
# records that and stops the real navigation, so the answer does not depend on timing.
TWICE = """() => {
  const form = document.querySelector("form[method=post]:has(input[name=title])");
  const button = form.querySelector("button[type=submit]");
  const let_go = [];
  const record = (ev) => { let_go.push(!ev.defaultPrevented); ev.preventDefault(); };
  window.addEventListener("submit", record);
  form.requestSubmit(button);
  const busy = button.getAttribute("aria-busy");
  form.requestSubmit(button);
  window.removeEventListener("submit", record);
  return {let_go, busy};
}"""


def test_a_double_click_posts_the_form_once(page: Any, world: Any) -> None:  # noqa: F811
    document = factories.document()
    sign_in(page, "xa")
    page.goto("/hoc-tap/dot-moi/")
    page.get_by_label("Tên đợt học tập").fill("Quán triệt Nghị quyết 57-NQ/TW")
    page.locator(f"#chon-documents-results input[value='{document.pk}']").check()
    page.locator("input[name=start]").fill("01/09/2025")
    page.locator("input[name=deadline]").fill("31/12/2025")
    assert page.evaluate(TWICE) == {"let_go": [True, False], "busy": "true"}
    # A real click on the form, loaded again, posts it once: one campaign.
    page.reload()
    page.get_by_label("Tên đợt học tập").fill("Quán triệt Nghị quyết 57-NQ/TW")
    page.locator(f"#chon-documents-results input[value='{document.pk}']").check()
    page.locator("input[name=start]").fill("01/09/2025")
    page.locator("input[name=deadline]").fill("31/12/2025")
    page.get_by_role("button", name="Tạo đợt học tập").click()
    page.wait_for_url("**/hoc-tap/dot/*/")
    assert Campaign.objects.filter(title="Quán triệt Nghị quyết 57-NQ/TW").count() == 1
