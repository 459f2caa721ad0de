"""Monte Carlo sweeps on Dask: the design of samples, the engine, the robust plan, the result and its report."""
