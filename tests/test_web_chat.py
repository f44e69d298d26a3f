"""The chat page in headless Chromium against a live `qa serve` (shipped corpus, real model):
example chips built from the store (GET /api/examples), and a three-turn conversation — a
figure, "那汕尾呢？", "两个比一比" — whose last answer compares the two figures, each shown with
its citation. Screenshots: test-output/chat-*.png."""
from __future__ import annotations

import pytest
from test_web_e2e import ANSWER, CHROMIUM, Page, ask, browser  # noqa: F401  (browser: a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed (make browser)"),
]


@pytest.fixture
def web(browser, live_server):  # noqa: F811
    w = Page(browser, live_server.base, viewport={"width": 1366, "height": 1000})
    yield w
    w.close()


def test_example_chips_come_from_the_store(web, output_dir):
    with web.page.expect_response(lambda r: r.url.endswith("/api/examples")) as resp:
        page = web.open("ask")
    examples = resp.value.json()["examples"]
    page.wait_for_function(f"document.querySelectorAll('#example-chips .chip').length === {len(examples)}")
    chips = page.locator("#example-chips .chip")
    assert [chips.nth(i).inner_text() for i in range(chips.count())] == [x["question"] for x in examples]
    assert 4 <= chips.count() <= 6
    page.screenshot(path=str(output_dir / "chat-01-examples.png"))
    # a chip asks its question
    figure = next(i for i, x in enumerate(examples) if x["kind"] == "figure")
    with page.expect_response(lambda r: r.url.endswith("/api/ask")) as answered:
        chips.nth(figure).click()
    data = answered.value.json()
    page.wait_for_selector(ANSWER)
    assert data["kind"] == "fact" and examples[figure]["question"] in page.locator(".turn .question-bubble").first.inner_text()
    assert page.locator(ANSWER).first.locator(".cite-card").count() >= 1
    page.screenshot(path=str(output_dir / "chat-02-example-answered.png"))


def test_three_turns_then_compare_the_two(web, output_dir):
    page = web.open("ask")
    page.click("#clear-history")
    first, card1 = ask(page, "汕头2024年公务接待费是多少？")
    assert first["kind"] == "fact" and "0.15" in card1.locator(".big-value .num").inner_text()
    second, card2 = ask(page, "那汕尾呢？")
    assert second["kind"] == "fact" and second["facts"][0]["city"] == "汕尾", second["answer"]
    assert "1.13" in card2.locator(".big-value .num").inner_text()
    assert "沿用上一问" in card2.locator(".scope-line").inner_text()
    page.screenshot(path=str(output_dir / "chat-03-follow-up.png"))

    third, card3 = ask(page, "两个比一比")
    assert third["route"] == "comparison" and third["value"] == pytest.approx(0.98), third["answer"]
    # both figures, each with its source, in the table and as citations
    rows = card3.locator(".compare-table tbody tr")
    assert rows.count() == 2
    shown = [rows.nth(i).inner_text() for i in range(2)]
    assert "0.15" in shown[0] and "汕头" in shown[0] and "1.13" in shown[1] and "汕尾" in shown[1]
    assert "第 1 页" in shown[0] and f"第 {third['facts'][1]['page']} 页" in shown[1]
    cites = card3.locator(".cite-card")
    assert cites.count() == 2
    assert "汕头" in cites.nth(0).inner_text() and "汕尾" in cites.nth(1).inner_text()
    text = card3.locator(".answer-text").inner_text()
    assert "0.98" in text and "比较上两问答案" in text and "公务接待费" in text
    assert "0.98" in card3.locator(".formula").inner_text() and "7.53" in card3.locator(".formula").inner_text()
    page.screenshot(path=str(output_dir / "chat-04-compare-the-two.png"), full_page=True)

    # the cited figure opens its source page with the line marked
    with page.expect_response(lambda r: "/pages/" in r.url) as presp:
        rows.nth(1).locator(".cell-link").click()
    assert presp.value.status == 200
    page.wait_for_selector("#source-view:not([hidden])")
    page.wait_for_selector("#source-text mark")
    assert "1.13" in page.locator("#source-text mark").first.inner_text()
    page.screenshot(path=str(output_dir / "chat-05-compare-source.png"))
    page.click("#source-close")
