from tests.factories import default_categories, make_answer, make_thread, make_user


def test_pages_render(app, ctx, client):
    cats = default_categories()
    asker = make_user("小林")
    thread = make_thread(asker, cats[1], title="USDT 转账一直显示等待确认")
    make_answer(thread, make_user("eth_helper", "volunteer"), "请检查 **能量** 是否足够")
    for url in ["/", "/latest", f"/c/{cats[1].slug}", f"/t/{thread.id}", "/u/小林", "/login",
                "/register", "/feed.atom"]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "USDT 转账一直显示等待确认" in page
    assert "<strong>能量</strong>" in page
