"""Settings: secrets stay hidden, and an unresolved Key Vault reference fails loudly instead of being used."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.config import Settings


def test_secrets_never_in_repr() -> None:
    settings = Settings(B24_SOURCE_WEBHOOK_URL="https://p.bitrix24.ru/rest/1/s3cr3tc0de/")
    assert "s3cr3tc0de" not in repr(settings) and "s3cr3tc0de" not in str(settings.model_dump())


def test_unresolved_key_vault_reference_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(B24_GATEWAY_URL="@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/b24-gateway-url/)")
    assert "unresolved Key Vault reference" in str(info.value)


def test_defaults_match_the_contract() -> None:
    settings = Settings()
    assert settings.limits == "standard"
    assert settings.delta_schedule == "0 */30 * * * *"
    assert settings.storage_connection.get_secret_value() == "UseDevelopmentStorage=true"
