/**
 * Stirling-series remainder δ(x) = ln Γ(x) - [(x - ½) ln x - x + ½ ln(2π)] for x ≥ 10, where the
 * series 1/(12x) - 1/(360x³) + … is accurate to machine precision. Internal helper: subtracting
 * these small remainders instead of whole ln Γ values avoids cancellation when parameters are
 * large (the approach of R's `lbeta` and Loader's `dbinom`).
 */
export function stirlingCorrection(x: number): number {
  const inverse = 1 / x
  const inverseSquare = inverse * inverse
  return (
    inverse *
    (1 / 12 +
      inverseSquare *
        (-1 / 360 +
          inverseSquare *
            (1 / 1260 +
              inverseSquare *
                (-1 / 1680 +
                  inverseSquare *
                    (1 / 1188 + inverseSquare * (-691 / 360360 + inverseSquare / 156))))))
  )
}
