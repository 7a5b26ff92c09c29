from tests.factories import default_categories, make_answer, make_thread, make_user


def test_pages_render(app, ctx, client):
    cats = default_categories()
    asker = make_user("小林")
    thread = make_thread(asker, cats[1], title="USDT 转账一直显示等待确认")
    make_answer(thread, make_user("eth_helper", "volunteer"), "请检查 **能量** 是否足够")
    for url in [
        "/",
        "/latest",
        f"/c/{cats[1].slug}",
        f"/t/{thread.id}",
        "/u/小林",
        "/login",
        "/register",
        "/feed.atom",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "USDT 转账一直显示等待确认" in page
    assert "<strong>能量</strong>" in page


def test_relative_and_exact_times_in_both_languages(app):
    from datetime import timedelta

    from forum.models import utcnow
    from forum.views import ago, when

    moment = utcnow() - timedelta(hours=3, minutes=5)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert ago(moment) == "3小时前"
        assert ago(utcnow()) == "刚刚"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert ago(moment) == "3 hours ago"
        assert ago(utcnow() - timedelta(days=40)) == "1 month ago"
        assert when(moment).endswith("UTC") and when(moment).startswith(str(moment.year))


def test_remembered_links_follow_the_script_root(app):
    from forum.views import fixed_url
    from forum.views.threads import category_url, thread_url

    for root in ("", "/forum", ""):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            assert fixed_url("main.latest") == f"{root}/latest"
            assert fixed_url("static", filename="css/forum.css") == f"{root}/static/css/forum.css"
            assert fixed_url("threads.show", thread_id=7) == f"{root}/t/7"
            assert thread_url(7) == f"{root}/t/7"  # the per-process link patterns too
            assert category_url("wallets") == f"{root}/c/wallets"


def test_page_links_keep_the_other_arguments_even_ones_that_look_like_the_mark(app):
    from forum.views import page_url

    with app.test_request_context("/search?q=%7Bpage%7D+fee&page=3&category=wallets"):
        assert page_url(4) == "/search?q=%7Bpage%7D+fee&category=wallets&page=4"
        assert page_url(1) == "/search?q=%7Bpage%7D+fee&category=wallets&page=1"
