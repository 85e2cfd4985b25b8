"""Authentication: local accounts (Argon2id), signed expiring tokens, lock-out, revocation.

The FastAPI side is api/access.py (the dependencies) and
api/routes/auth.py and api/routes/users.py. See docs/security.md.
"""

from api.auth.users import create_demo_users

__all__ = ["create_demo_users"]
