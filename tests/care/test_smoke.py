from tests.care.conftest import world


def test_world_builds(tree, personas):
    w = world(tree, personas)
    assert w.filed.state == "filed"
    assert w.filed.number.startswith("PXKN")
    assert w.filed.category == "deep"
    assert w.aid.status == "submitted"
