"""Composition root of the Durable Functions app: builds the ``DFApp`` and registers every blueprint.

No logic, no settings, no clients here (docs/style.md rule 1). The same module runs on Azure Functions and in
the local Durable host (``b24migrate host serve``).
"""

import azure.durable_functions as df
import azure.functions as func

from activities import extract, load, transform, validate
from entities import throttle
from orchestrators import family, migration, validation
from starters import delta, migrations

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)

for blueprint_module in (
    migrations, delta, migration, family, validation, extract, transform, load, validate, throttle,
):
    app.register_functions(blueprint_module.bp)
