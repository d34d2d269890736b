"""The hostile-input corpus (:mod:`hostile.generate`) and the process that ingests it (:mod:`hostile.worker`)."""
