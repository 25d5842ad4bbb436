"""The on-prem import gateway: an aiohttp app serving the ``import.*`` webhook of docs/contracts.md §4.

``create_app(settings)`` in ``gateway.app`` builds it; the ledger (SQLite) makes every write idempotent and the
sink writes into the on-prem Bitrix24 portal through its REST webhook.
"""
