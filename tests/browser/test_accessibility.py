"""Accessibility of the reader page in Chromium: keyboard-only reporting, colour contrast (WCAG AA),
visible focus, labels, and a narrow (phone) layout that does not scroll sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley import actions
from parley.comments.models import Report

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2 relative luminance and contrast of an element's text on its nearest opaque background.
CONTRAST_JS = """
(selector) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const shown = (el) => el === document.body || el.offsetParent;
  return [...document.querySelectorAll(selector)].filter(shown).map((el) => {
    const a = lum(parse(getComputedStyle(el).color).slice(0, 3)), b = lum(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}
"""
TEXT_SELECTORS = [
    "body", ".story-title", ".standfirst", ".story-date", ".story-body p", ".publication-line",
    ".comments-heading", ".comment-author", ".comment-meta time", ".reply-link", ".comment-text",
    ".report-link", ".comment-order a", ".moderation-notice p", ".moderation-notice a",
    ".field label", ".button", ".more-link",
]


def open_story(page, live_server, story):
    page.goto(f"{live_server.url}/stories/{story.slug}/")
    page.wait_for_load_state("networkidle")


def test_text_contrast_meets_wcag_aa(page, live_server, demo_story):
    for i in range(10):  # enough for a "View more comments" link
        actions.post_comment(story=demo_story, text=f"Comment {i}.", author_name="Reader")
    open_story(page, live_server, demo_story)
    for selector in TEXT_SELECTORS:
        ratios = page.evaluate(CONTRAST_JS, selector)
        assert ratios, f"nothing visible matches {selector}"
        assert min(ratios) >= 4.5, f"{selector}: contrast {min(ratios):.2f} < 4.5"


def test_focus_is_visible_on_links_and_buttons(page, live_server, demo_story):
    open_story(page, live_server, demo_story)
    for selector in (".reply-link", ".report-link", ".button", "#id_text"):
        page.locator(selector).first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert outline[0] != "none" and outline[1] >= 2, (selector, outline)


def test_every_form_control_has_a_label(page, live_server, demo_story):
    open_story(page, live_server, demo_story)
    unlabeled = page.evaluate(
        "() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]"
        ".filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))"
        ".map((el) => el.name)"
    )
    assert unlabeled == []
    assert page.evaluate("document.documentElement.lang").startswith("en")


def test_report_a_comment_with_the_keyboard_only(page, live_server, demo_story):
    open_story(page, live_server, demo_story)
    page.locator(".report-link").first.focus()
    page.keyboard.press("Enter")
    reason = page.locator(".report-form select")
    reason.wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'SELECT'")
    reason.select_option("off_topic")
    page.keyboard.press("Tab")
    page.keyboard.type("Not about the raids.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Send report"
    page.locator(".report-done").wait_for()
    assert "Thank you for your report" in page.locator(".report-done").inner_text()
    report = Report.objects.get()
    assert (report.reason, report.note) == ("off_topic", "Not about the raids.")


def test_phone_layout_does_not_scroll_sideways(browser, live_server, demo_story):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        open_story(page, live_server, demo_story)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        page.screenshot(path=str(SCREENSHOTS / "article-phone.png"), full_page=False)
    finally:
        context.close()
