"""Reviews: the group looks back together, and a pulse after each meeting."""
