"""The one address a provider's sign-in brings, verified only when the provider proves it."""

from typing import Any

from allauth.account.models import EmailAddress

from .proof import proof_for


class ProvedEmailMixin:
    """For allauth's providers: the address and its `verified` flag from proof.py, so
    that allauth signs in to an existing account by address only when it is proved."""

    def _proof_key(self) -> str:
        return self.sub_id  # type: ignore[attr-defined, no-any-return]

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = super().extract_common_fields(data)  # type: ignore[misc]
        fields["email"] = proof_for(self._proof_key(), data).email or None
        return fields

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        proof = proof_for(self._proof_key(), data)
        if not proof.email:
            return []
        return [EmailAddress(email=proof.email, verified=proof.email_proved, primary=True)]
