"""View pieces more than one page draws (planes, judged paths and grids, charts, the posterior)."""
