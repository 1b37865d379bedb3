// Runs a pattern on lifelib's unbounded plane, or on its torus when the
// rule says so, and times the stepping alone, for tools/src/bin/plane.rs and the
// soup-ash study in it (issue 17).
//
//   driver PATTERN.rle GENERATIONS [OUT.rle]
//
// The engine is apgsearch's tile engine: apg::upattern<VTile28, 28> built
// with its default constructor, the unbounded plane. A rule with a torus
// suffix (":T3584,3584") runs on lifelib's torus of that size instead,
// which needs a width divisible by 28 and a height by 56, and whose tile
// counts must be powers of two: lifelib 2.5.6 takes an unsigned modulo of
// negative tile coordinates, so other sizes overlap rows.
// Its 28x28 tiles step two generations per visit, so it can only run an
// even number of generations: for an odd count the last generation is run,
// untimed, by lifelib's 16x16 tile engine (UTile), which steps any count.
//
// Prints one JSON line: generations, seconds (the stepping loop only, on a
// steady clock), population, tiles_processed. OUT.rle gets the final live
// cells as RLE, normalised to their bounding box (no position).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "upattern.h"

namespace {

// lifelib's rle2vec reads the cells only: drop the comment lines and the
// `x = .., y = .., rule = ..` header, taking lifelib's name of the rule
// from it ("B36/S23" is "b36s23"; no rule line means Life) and the torus
// size from a ":Tw,h" suffix (0 x 0: the plane). Other bounded grids are
// refused.
bool read_rle(const char* path, std::string& cells, std::string& rule, int64_t torus[2],
              std::string& error) {
    torus[0] = torus[1] = 0;
    std::ifstream in(path);
    if (!in) {
        error = std::string("cannot read ") + path;
        return false;
    }
    rule = "b3s23";
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '#') { continue; }
        if (line.find('=') != std::string::npos) {
            auto at = line.find("rule");
            if (at != std::string::npos) {
                std::string value = line.substr(line.find('=', at) + 1);
                rule.clear();
                auto colon = value.find(':');
                if (colon != std::string::npos) {
                    long long w = 0, h = 0;
                    if (std::sscanf(value.c_str() + colon, ":T%lld,%lld", &w, &h) != 2 || w <= 0 || h <= 0) {
                        error = "only a torus (:Tw,h) or the plane runs here: " + line;
                        return false;
                    }
                    torus[0] = w;
                    torus[1] = h;
                    value = value.substr(0, colon);
                }
                for (char c : value) {
                    if (c != ' ' && c != '/' && c != '\r') { rule += (char) std::tolower(c); }
                }
            }
            continue;
        }
        cells += line;
        if (line.find('!') != std::string::npos) { break; }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || argc > 4) {
        std::cerr << "usage: driver PATTERN.rle GENERATIONS [OUT.rle]" << std::endl;
        return 2;
    }
    std::string cells, rule_name, error;
    int64_t torus[2];
    if (!read_rle(argv[1], cells, rule_name, torus, error)) {
        std::cerr << "error: " << error << std::endl;
        return 2;
    }
    char* end = nullptr;
    uint64_t generations = std::strtoull(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0') {
        std::cerr << "error: GENERATIONS must be a number, not " << argv[2] << std::endl;
        return 2;
    }

    // Rules exist only as compiled in by build.sh (b3s23, and b36s23 when
    // python3 was there to generate it).
    const int rule = apg::rule2int(rule_name);
    if (rule < 0) {
        std::cerr << "error: rule " << rule_name << " is not compiled into this driver" << std::endl;
        return 2;
    }
    std::vector<apg::bitworld> planes = apg::rle2vec(cells);
    planes.resize(1);
    auto power_of_two = [](int64_t n) { return n > 0 && (n & (n - 1)) == 0; };
    if (torus[0] > 0 && (torus[0] % 28 != 0 || torus[1] % 56 != 0 || !power_of_two(torus[0] / 28)
                         || !power_of_two(torus[1] / 28))) {
        std::cerr << "error: lifelib runs a " << torus[0] << "x" << torus[1]
                  << " torus wrongly: it needs 28*2^i x 56*2^j" << std::endl;
        return 2;
    }
    if (torus[0] > 0 && generations % 2 == 1) {
        std::cerr << "error: an odd number of generations runs on the plane only" << std::endl;
        return 2;
    }
    apg::upattern<apg::VTile28, 28> universe(torus[0], torus[1]);
    universe.insertPattern(planes);

    uint64_t even = generations - generations % 2;
    auto start = std::chrono::steady_clock::now();
    universe.advance(rule, 0, even);
    auto stop = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(stop - start).count();

    std::vector<apg::bitworld> result(1);
    universe.extractPattern(result);
    if (generations % 2 == 1) {
        apg::upattern<apg::UTile<2, 1>, 16> last;
        last.insertPattern(result);
        last.advance(rule, 0, 1);
        result.assign(1, apg::bitworld());
        last.extractPattern(result);
    }
    uint64_t population = result[0].population();

    if (argc == 4) {
        int64_t bbox[4] = {0, 0, 0, 0};
        result[0].getbbox(bbox);
        std::ofstream out(argv[3]);
        out << "x = " << bbox[2] << ", y = " << bbox[3] << "\n";
        out << apg::vec2rle(result, apg::IdentityMapper()) << "\n";
        if (!out) {
            std::cerr << "error: cannot write " << argv[3] << std::endl;
            return 2;
        }
    }
    std::printf(
        "{\"generations\":%llu,\"seconds\":%.9f,\"population\":%llu,\"tiles_processed\":%llu}\n",
        (unsigned long long) generations, seconds, (unsigned long long) population,
        (unsigned long long) universe.tilesProcessed);
    return 0;
}
