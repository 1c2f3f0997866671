// Runs every Catch2 test case of one tier binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
