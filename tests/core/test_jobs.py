import pytest
from django.core.exceptions import PermissionDenied
from django_tasks import task

from gefeng.core import audit, jobs, scope
from gefeng.core.models import AuditEntry
from gefeng.orgs.models import OrgNode


@task()
def count_visible_nodes(*, actor_id: int) -> int:
    with jobs.acting_as(actor_id) as actor:
        audit.record(actor=actor, action="core.test.counted")
        return scope.visible(actor, OrgNode).count()


def test_a_job_sees_only_its_users_scope(personas, tree):
    result = count_visible_nodes.enqueue(actor_id=personas["chair"].pk)
    assert result.return_value == OrgNode.objects.subtree_of(tree.xinge).count() == 3
    entry = AuditEntry.objects.get(action="core.test.counted")
    assert entry.source == "job" and entry.actor_id == personas["chair"].pk


def test_a_job_of_a_disabled_user_is_refused(personas):
    chair = personas["chair"]
    chair.is_active = False
    chair.save()
    with pytest.raises(PermissionDenied):
        jobs.load_actor(chair.pk)


def test_a_job_follows_role_changes_made_after_it_was_queued(personas, tree):
    from gefeng.accounts.models import RoleGrant

    actor_id = personas["town"].pk
    RoleGrant.objects.filter(user_id=actor_id).delete()
    with jobs.acting_as(actor_id) as actor:
        assert not scope.visible(actor, OrgNode).exists()
