"""Benchmarks: the speed patients and receptionists feel, as ratios against a baseline
measured in the same run (never timed assertions). `python -m bench [NAME ...]`."""
