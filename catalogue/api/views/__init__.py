"""The upload API under `/api/v1/`: token-only, JSON errors.

Endpoints (all need `Authorization: Token <key>`):

- `GET  projects/` and `GET projects/<slug>/observations/`: what exists;
- `POST observations/`: create-or-update a project and an observation;
- `GET  projects/<slug>/observations/<SBID>/`: the observation and its beams;
- `GET  .../beams/<NN>/`: what a beam holds (candidate names, files with
  sha256), so a client can resume;
- `POST .../beams/<NN>/tables/`: the beam's final CSV and light curves,
  applied in one transaction (all rows or none);
- `POST .../files/`: one beam or candidate file with its sha256; the same
  content again is a no-op.

Every write goes through `catalogue.ingest.service`, like `manage.py
ingest_observation`. `base` holds what every view shares, `reading` the
listings and the observation endpoint, `uploads` the tables and files.
"""
