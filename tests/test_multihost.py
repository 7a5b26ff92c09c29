"""Several app hosts share one database; each keeps its own search index, fed from the
outbox. Two apps here stand for two hosts: a post made through one is found on the other."""

from __future__ import annotations

import io
import time
from pathlib import Path

from PIL import Image

from forum.search import outbox as search_outbox
from tests.conftest import Browser
from tests.factories import make_category, make_thread, make_user


def _found_on(host, word: str) -> list[int]:
    with host.app_context():
        return [h.thread_id for h in search_outbox.index().search(word).hits]


def test_a_post_on_one_host_is_found_on_the_other(app, ctx, second_host):
    thread = make_thread(make_user(), make_category(), title="Hippocampus wallet question")
    search_outbox.sync()  # host A applies its own rows when its request ends
    assert _found_on(app, "hippocampus") == [thread.id]
    deadline = time.monotonic() + 5
    while _found_on(second_host, "hippocampus") != [thread.id]:
        assert time.monotonic() < deadline, "host B's poller did not pick the post up"
        time.sleep(0.1)
    # The indexes are separate: each keeps its own progress through the shared outbox (saved
    # just after the index commit, so B's may trail its search results by a moment).
    with second_host.app_context():
        b_index = search_outbox.index()
    a_index = search_outbox.index()
    assert a_index.path != b_index.path
    a_progress = a_index.load_progress().last_id
    assert a_progress > 0
    while b_index.load_progress().last_id != a_progress:
        assert time.monotonic() < deadline, "host B did not save its outbox progress"
        time.sleep(0.05)


def test_an_image_uploaded_through_one_host_is_served_by_the_other(app, ctx, second_host):
    """Images live in the shared database; each host keeps only its own disk copy."""
    user = make_user()
    thread = make_thread(user, make_category())
    browser_a = Browser(app.test_client())
    browser_a.login(user.username)
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 40, 40)).save(out, "PNG")
    page = f"/t/{thread.id}"
    data = {"body": "The error screen.", "images": [(io.BytesIO(out.getvalue()), "error.png")]}
    sent = browser_a.post(f"{page}/reply", data, page=page, content_type="multipart/form-data")
    assert sent.status_code == 302
    html = app.test_client().get(page).get_data(as_text=True)
    url = html.split('<a href="/media/')[1].split('"')[0]
    served = second_host.test_client().get(f"/media/{url}")
    assert served.status_code == 200 and served.data.startswith(b"\x89PNG")
    host_b_cache = second_host.config["FORUM_MEDIA_CACHE_DIR"]
    assert host_b_cache != app.config["FORUM_MEDIA_CACHE_DIR"]
    assert any(p.is_file() for p in Path(host_b_cache).rglob("*"))  # B's own disk copy
