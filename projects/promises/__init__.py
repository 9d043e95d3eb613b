"""You said, we did: what members asked for, and what the organisation did about it."""
