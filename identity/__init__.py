"""What the bot may know about a citizen outside the conversation record: the unified-identity
(统一身份认证) token of the session, and the personal values a form needs for its hand-off. Kept apart
from the stored conversation (which is masked) and only for a short time. Imports nothing of ours."""
