"""The system actor: accepted only where a service declares it, refused everywhere else."""

from __future__ import annotations

import pickle

import pytest
from django.core.exceptions import PermissionDenied

from gefeng.core import actors, scope
from gefeng.core.actors import SYSTEM, accepts_system


@accepts_system
def _system_may(*, actor, obj):
    actors.require(actor, obj, "members.change")
    return "ran"


def _system_may_not(*, actor, obj):
    actors.require(actor, obj, "members.change")
    return "ran"


pytestmark = pytest.mark.django_db


def test_a_declared_service_lets_the_system_through(tree):
    assert _system_may(actor=SYSTEM, obj=tree.xinge_union) == "ran"


def test_an_undeclared_service_refuses_the_system_like_a_stranger(tree):
    with pytest.raises(PermissionDenied):
        _system_may_not(actor=SYSTEM, obj=tree.xinge_union)


@pytest.mark.parametrize("service", [_system_may, _system_may_not])
def test_none_is_no_actor_and_is_refused_everywhere(service, tree):
    with pytest.raises(PermissionDenied):
        service(actor=None, obj=tree.xinge_union)


def test_the_system_holds_no_grant_and_sees_nothing_through_scope(tree):
    assert scope.can(SYSTEM, tree.xinge_union, "members.view") is False
    assert not scope.has_perm(SYSTEM, "members.view")


def test_a_person_is_still_asked_of_scope_inside_a_declared_service(personas, tree):
    assert _system_may(actor=personas["chair"], obj=tree.xinge_union) == "ran"  # the chair's own union
    with pytest.raises(PermissionDenied):
        _system_may(actor=personas["chair"], obj=tree.henghui_union)


def test_the_system_is_stored_as_no_user_and_pickles_as_itself():
    assert actors.user_of(SYSTEM) is None
    assert pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM  # noqa: S301  (our own bytes)
    assert str(SYSTEM) == "系统"


def test_every_service_that_accepts_the_system_is_listed():
    assert "tests.core.test_actors._system_may" in actors.ACCEPTS_SYSTEM
    assert all(name.count(".") >= 2 for name in actors.ACCEPTS_SYSTEM)
