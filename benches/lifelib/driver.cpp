// Runs a pattern on lifelib's unbounded plane and times the stepping
// alone, for benches/plane.rs (issue 17).
//
//   driver PATTERN.rle GENERATIONS [OUT.rle]
//
// The engine is apgsearch's tile engine: apg::upattern<VTile28, 28> built
// with its default constructor, the unbounded plane (lifelib 2.5.6's torus
// constructor overlaps rows when the tile counts are not powers of two).
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
// from it ("B36/S23" is "b36s23"; no rule line means Life). A bounded-grid
// suffix (":T..") is refused: this driver runs the plane only.
bool read_rle(const char* path, std::string& cells, std::string& rule, std::string& error) {
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
                for (char c : value) {
                    if (c == ':') {
                        error = "a bounded grid is not the plane: " + line;
                        return false;
                    }
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
    if (!read_rle(argv[1], cells, rule_name, error)) {
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
    apg::upattern<apg::VTile28, 28> universe;
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
