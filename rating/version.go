package rating

// EngineVersion names the arithmetic of this package: the fits, the
// bootstrap's random draws and the interval rule. It goes into a published
// board's inputs digest, so a reader reproducing the board with another
// version is told the numbers may differ for that reason alone. Change it
// whenever a change here can move any score, interval or rank of the same
// input by more than rounding.
const EngineVersion = "arena-rating/3"
