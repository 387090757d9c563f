//! Order statistics of latency samples: quantiles and a distribution-free 95% confidence
//! interval of the median (the order statistics `n/2 ± 0.98·√n`, from the binomial
//! distribution of how many samples fall below the true median).

/// Summary of one set of samples (µs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub median: u64,
    pub p10: u64,
    pub p90: u64,
    pub mean: f64,
    /// 95% confidence interval of the median.
    pub ci_low: u64,
    pub ci_high: u64,
}

/// The `q`-quantile (nearest rank) of sorted samples.
pub fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Summarise samples (any order).
pub fn summarize(samples: &[u64]) -> Summary {
    let mut s = samples.to_vec();
    s.sort_unstable();
    let n = s.len();
    let half = n as f64 / 2.0;
    let spread = 0.98 * (n as f64).sqrt();
    let at = |i: f64| -> u64 {
        if n == 0 {
            0
        } else {
            s[(i.max(0.0) as usize).min(n - 1)]
        }
    };
    Summary {
        n,
        median: quantile(&s, 0.5),
        p10: quantile(&s, 0.1),
        p90: quantile(&s, 0.9),
        mean: if n == 0 {
            0.0
        } else {
            s.iter().sum::<u64>() as f64 / n as f64
        },
        ci_low: at((half - spread).floor() - 1.0),
        ci_high: at((half + spread).ceil()),
    }
}

/// Do the two medians' confidence intervals overlap (no difference beyond noise)?
pub fn overlap(a: &Summary, b: &Summary) -> bool {
    a.ci_low <= b.ci_high && b.ci_low <= a.ci_high
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_one_to_hundred() {
        let v: Vec<u64> = (1..=100).collect();
        let s = summarize(&v);
        assert_eq!((s.median, s.p10, s.p90), (50, 10, 90));
        assert!(s.ci_low < 50 && s.ci_high > 50);
        assert_eq!(s.mean, 50.5);
    }

    #[test]
    fn overlap_is_symmetric() {
        let a = summarize(&(1..=100).collect::<Vec<_>>());
        let b = summarize(&(10..=110).collect::<Vec<_>>());
        let c = summarize(&(500..=600).collect::<Vec<_>>());
        assert!(overlap(&a, &b) && overlap(&b, &a));
        assert!(!overlap(&a, &c) && !overlap(&c, &a));
    }

    #[test]
    fn empty_samples_summarise_to_zero() {
        assert_eq!(summarize(&[]).median, 0);
    }
}
