from django.urls import reverse

from participants.services import membership_update
from tests.factories import ProjectMembershipFactory


def test_a_paper_claim_still_offers_the_project_after_someone_else_leaves_it(world, client_for):
    # Given another member of the project who has left it.
    leaver = ProjectMembershipFactory(project=world.project)
    membership_update(membership=leaver, by=None, status="left", roles=[])

    # When a coordinator opens a paper claim for someone still in the project.
    page = (
        client_for(world, "coordinator")
        .get(reverse("payments:expense_for", args=[world.offline.pk]))
        .content.decode()
    )

    # Then the project is still the one the claim is for (the only one, so not asked).
    assert f'name="project" value="{world.project.pk}"' in page
