"""The simulated clinic day (issue 20): a seeded day plan (patients, faults, desks) and the
headline measure, unseen seconds, with the 20-second polling desk as its baseline. Pure:
no server, window or clock; the driver that plays a plan against real parts comes next
(docs/reliability.md, "The clinic day (in progress)")."""
