"""Canonical models: the records as they travel from the transform step to the import gateway.

One module per family. Every model is a frozen pydantic model with camelCase fields exactly as the
gateway contract (docs/contracts.md §4, the plan's 12.3/12.4) names them: ``sourceId`` of the form
``cloud:<kind>:<id>``, references as ``...SourceId`` fields, and a ``checksum`` over the content.
"""
