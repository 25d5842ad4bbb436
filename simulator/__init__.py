"""A Bitrix24 REST simulator (aiohttp): the portal every test, the demo and the benchmarks run against.

Entry point: `simulator.app.create_app(SimSettings(...))`.  It never imports `shared.bitrix24`, because it is the
independent ground truth that client is tested against.
"""
