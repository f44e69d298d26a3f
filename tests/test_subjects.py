from index.extract.subjects import expand_query_terms, match_subject, normalise_subject


def test_normalise():
    assert normalise_subject("三、国有资本经营预算财政拨款收\n入") == "国有资本经营预算财政拨款收入"
    assert normalise_subject("（一）公务接待费：") == "公务接待费"
    assert normalise_subject("其中：基本建设类") == "基本建设类"
    assert normalise_subject("1.一般公共预算财政拨款收入") == "一般公共预算财政拨款收入"
    assert normalise_subject("合 计") == "合计"
    assert normalise_subject("“粤智助”政府服务自助机") == "粤智助政府服务自助机"
    assert normalise_subject("三公经费") == "“三公”经费"
    assert normalise_subject("区(县)") == normalise_subject("区（县）")


def test_expand():
    assert "公务接待费" in expand_query_terms("汕尾2021年招待费是多少")
    assert "“三公”经费" in expand_query_terms("三公经费")
    assert "公务用车购置及运行费" in expand_query_terms("公车花了多少")
    assert "人员经费" in expand_query_terms("人员支出")
    assert "公务接待费" in expand_query_terms("official receptions in 2021")
    assert "本年支出合计" in expand_query_terms("total expenditure")


def test_match_ranking():
    subs = ["公务接待费", "公务用车运行维护费", "接待人数", "本年支出合计", "“三公”经费"] + [f"科目{i}" for i in range(2000)]
    r = match_subject("公务接待费", subs)
    assert r[0] == ("公务接待费", 1.0)
    assert match_subject("招待费", subs)[0][0] == "公务接待费"
    assert match_subject("三公", subs)[0][0] == "“三公”经费"
    assert all(0 <= s <= 1 for _, s in r)
