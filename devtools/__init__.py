"""Development and test tools, never deployed: the reference server of the platform's application API
(`reference_platform/`, the stand-in for an external system) and the helpers that tests and benchmarks share
(`support/`: free ports, processes, waiting). Product code never imports this package."""
