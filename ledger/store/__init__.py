"""YAML files in and out: discovering, reading (with positions), and safe appending writes."""
