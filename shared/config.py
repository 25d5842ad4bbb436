"""Settings: the one place that reads the environment (app settings on Azure, env vars locally).

Every setting is listed in docs/contracts.md §7 and in bicep/. Secrets are ``SecretStr`` so that a repr or a log
line never shows them; when ``KEY_VAULT_URL`` is set, the two webhook secrets are read from Key Vault with the
app's managed identity instead of from plain settings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LimitsProfile = Literal["standard", "enterprise", "box", "off"]


class Settings(BaseSettings):
    """The migrator's settings; field aliases are the environment variable names."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    source_webhook_url: SecretStr | None = Field(default=None, alias="B24_SOURCE_WEBHOOK_URL")
    """The cloud portal's inbound webhook base, ``https://<portal>/rest/<user>/<code>/``."""
    gateway_url: SecretStr | None = Field(default=None, alias="B24_GATEWAY_URL")
    """The import gateway's base, ``https://<host>/webhook/<import_user_id>/<import_code>/``."""
    target_read_webhook_url: SecretStr | None = Field(default=None, alias="B24_TARGET_READ_WEBHOOK_URL")
    """Optional read webhook of the on-prem portal, used only by validation to count and sample records."""
    limits: LimitsProfile = Field(default="standard", alias="B24_LIMITS")
    storage_connection: SecretStr = Field(
        default=SecretStr("UseDevelopmentStorage=true"), alias="AzureWebJobsStorage"
    )
    storage_account_name: str | None = Field(default=None, alias="AzureWebJobsStorage__accountName")
    """Identity-based storage (Azure): when set, the connection string is ignored."""
    key_vault_url: str | None = Field(default=None, alias="KEY_VAULT_URL")
    delta_schedule: str = Field(default="0 */30 * * * *", alias="DELTA_SCHEDULE")
    pages_per_request: int = Field(default=50, ge=1, le=50, alias="B24_PAGES_PER_REQUEST")
    """Chained keyset pages per ``batch`` request (50 is the portal's maximum)."""
    steps_per_generation: int = Field(default=20, ge=1, alias="B24_STEPS_PER_GENERATION")
    """Extract steps a family orchestrator runs before ``continue_as_new`` keeps its history small."""
    raw_container: str = Field(default="migration-raw", alias="B24_RAW_CONTAINER")
    idmap_table: str = Field(default="idmap", alias="B24_IDMAP_TABLE")
    deadletter_queue: str = Field(default="migration-deadletters", alias="B24_DEADLETTER_QUEUE")

    @field_validator("source_webhook_url", "gateway_url", "target_read_webhook_url", mode="after")
    @classmethod
    def _resolved(cls, value: SecretStr | None) -> SecretStr | None:
        # an app setting whose Key Vault reference Azure could not resolve arrives as the literal reference
        if value is not None and value.get_secret_value().lstrip().startswith("@Microsoft.KeyVault("):
            raise ValueError(
                "is an unresolved Key Vault reference: grant the app's identity 'Key Vault Secrets User' "
                "and check the secret name"
            )
        return value


def _from_key_vault(settings: Settings) -> Settings:
    """Replace the webhook secrets with Key Vault values (secret names ``b24-source-webhook-url`` etc.)."""
    from azure.identity import DefaultAzureCredential
    from azure.keyvault.secrets import SecretClient

    client = SecretClient(vault_url=settings.key_vault_url or "", credential=DefaultAzureCredential())
    updates: dict[str, SecretStr] = {}
    for field, name in (
        ("source_webhook_url", "b24-source-webhook-url"),
        ("gateway_url", "b24-gateway-url"),
        ("target_read_webhook_url", "b24-target-read-webhook-url"),
    ):
        try:
            value = client.get_secret(name).value
        except Exception:
            value = None
        if value:
            updates[field] = SecretStr(value)
    return settings.model_copy(update=updates)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use (never at import time)."""
    settings = Settings()
    if settings.key_vault_url:
        settings = _from_key_vault(settings)
    return settings


def reset_settings() -> None:
    """Forget the cached settings (tests and the local host after an environment change)."""
    get_settings.cache_clear()
