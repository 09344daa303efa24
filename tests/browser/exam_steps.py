"""Finishing an attempt in the browser as a trainee does: review, then submit all and finish."""

from __future__ import annotations


def submit_via_summary(page) -> None:
    """From an attempt page: "Review and submit" (saves), then "Submit all and finish" on the
    summary page and confirm in the dialog quiz.js opens; wait for the result."""
    page.click("button:has-text('Review and submit')")
    page.wait_for_url("**/summary")
    page.click("form.finish-form button:has-text('Submit all and finish')")
    dialog = page.locator("dialog.confirm-dialog")
    dialog.locator("button.confirm-submit").click()
    page.wait_for_url("**/result")
