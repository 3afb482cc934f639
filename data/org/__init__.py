"""The deterministic org generator and the real-org importer.

`data.org.generate.generate_org(org, seed)` builds a B2B or B2C org as OrgData; planters in
`data/org/plants/` add category-specific signal on top; `data.org.importer.import_org_dir` loads a
real export through the same path. `data.org.store.load_org` caches the result on disk.
"""

#: The seed of the default org (the one tasks, docs and the leaderboard use).
DEFAULT_SEED = 42

#: Bump when the generator's output changes in a way that is not visible in its source files
#: (the on-disk cache is keyed by the generator's sources too).
GENERATOR_VERSION = "1"
