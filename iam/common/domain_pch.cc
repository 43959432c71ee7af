// The object the domain libraries' precompiled header is built with.
