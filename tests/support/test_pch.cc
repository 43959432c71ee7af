// The target that owns the tests' precompiled header (test_pch.h).
