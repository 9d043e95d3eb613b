import rules

from participants.selectors import participant_profiles_for


@rules.predicate
def has_participant_profile(user):
    """Be linked to a participant profile in any organisation."""
    return participant_profiles_for(user).exists()


rules.add_perm("participants.view_member_home", has_participant_profile)
