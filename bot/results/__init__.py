"""The administrators' results: the export of the submitted answers (xlsx, CSV) and its periods."""
