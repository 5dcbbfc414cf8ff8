"""Indonesia's regions: the village search, region levels and the village step of a dialogue."""
