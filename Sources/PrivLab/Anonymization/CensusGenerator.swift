import Foundation

/// A census-like population generated with realistic marginals, seeded: the quasi-identifiers of
/// the k-anonymity literature (age, a ZIP-like region, sex, education, marital status, race) and
/// two sensitive attributes (a diagnosis and an income). Generated rather than the UCI Adult data so
/// that any size can be drawn and nothing needs a licence; the shares follow the US adult population
/// roughly (ages 17–90 by 5-year band, sex 51/49, education and race at census-like shares, marital
/// status by age) and the sensitive attributes depend on the quasi-identifiers as they do in life
/// (chronic conditions with age, income with education and age), which is what makes linking them
/// worth attacking. The numbers are illustrative, not statistics.
public struct CensusGenerator: Sendable {
    public var size: Int = 10_000
    /// ZIP-like regions: codes `firstRegion …`, populations uneven (Zipf-like, shuffled).
    public var regions: Int = 50
    public var firstRegion: Int = 47_601
    public var seed: UInt64 = 1
    public init() {}

    static let ageBands: [Double] = [7.5, 9, 9, 9.3, 9, 8.4, 8.2, 8.3, 8.6, 8.4, 7.4, 6, 4.3, 3.0, 2.1, 1.5]   // 15-19 … 90
    static let sexes = ["female", "male"]
    static let educations = ["no diploma", "high school", "some college", "associate", "bachelor", "master", "professional", "doctorate"]
    static let educationShares: [Double] = [10, 28, 19, 10, 21, 9, 1.5, 1.5]
    static let maritals = ["never married", "married", "divorced", "separated", "widowed"]
    static let races = ["White", "Black", "Asian", "Amer-Indian-Eskimo", "Other"]
    static let raceShares: [Double] = [76, 13, 6, 1, 4]
    static let diagnoses = ["flu", "bronchitis", "asthma", "gastritis", "migraine", "diabetes", "hypertension", "heart disease", "cancer", "arthritis"]

    /// The population.
    public func generate() throws -> Microdata {
        guard size >= 1 && size <= 10_000_000 else { throw PrivLabError.invalidArgument("census: size must be in 1 … 10,000,000, got \(size)") }
        guard regions >= 1 && regions <= 100_000 else { throw PrivLabError.invalidArgument("census: regions must be in 1 … 100,000, got \(regions)") }
        var rng = RNG(seed: seed)
        var regionWeight = (1...regions).map { 1 / Double($0) }
        rng.shuffle(&regionWeight)
        // Each region has its own racial mix around the national shares (residential segregation).
        let regionRace = (0..<regions).map { _ in Self.raceShares.map { $0 * exp(0.8 * rng.normal()) } }
        var age = [Double](), region = [Double](), sex = [Int](), edu = [Int](), marital = [Int](), race = [Int](), diagnosis = [Int](), income = [Double]()
        for _ in 0..<size {
            let band = rng.categorical(Self.ageBands)
            let a = band == 0 ? 17 + rng.int(below: 3) : min(90, 15 + 5 * band + rng.int(below: 5))
            let r = rng.categorical(regionWeight)
            let s = rng.bernoulli(0.49) ? 1 : 0
            let e = Self.education(age: a, rng: &rng)
            age.append(Double(a))
            region.append(Double(firstRegion + r))
            sex.append(s)
            edu.append(e)
            marital.append(Self.marital(age: a, rng: &rng))
            race.append(rng.categorical(regionRace[r]))
            diagnosis.append(Self.diagnosis(age: a, sex: s, rng: &rng))
            income.append(Self.income(age: a, sex: s, education: e, rng: &rng))
        }
        return try Microdata(
            names: ["age", "region", "sex", "education", "marital", "race", "diagnosis", "income"],
            columns: [.numeric(values: age, domain: 17...90), .numeric(values: region, domain: Double(firstRegion)...Double(firstRegion + regions - 1)),
                      .categorical(codes: sex, levels: Self.sexes), .categorical(codes: edu, levels: Self.educations),
                      .categorical(codes: marital, levels: Self.maritals), .categorical(codes: race, levels: Self.races),
                      .categorical(codes: diagnosis, levels: Self.diagnoses), .numeric(values: income, domain: 0...250)])
    }

    /// Education: the census shares, capped by what the age allows.
    static func education(age: Int, rng: inout RNG) -> Int {
        var w = educationShares
        let cap = age < 19 ? 1 : age < 22 ? 2 : age < 24 ? 4 : age < 27 ? 6 : 7
        for i in 0..<w.count where i > cap { w[i] = 0 }
        return rng.categorical(w)
    }

    /// Marital status by age.
    static func marital(age: Int, rng: inout RNG) -> Int {
        let a = Double(age)
        let never = max(0.05, 0.95 - 0.028 * (a - 17))
        let widowed = a < 55 ? 0.01 : 0.01 + 0.012 * (a - 55)
        let divorced = a < 25 ? 0.01 : 0.12
        return rng.categorical([never, 0.55, divorced, 0.025, widowed])
    }

    /// A diagnosis: acute conditions for all, chronic ones growing with age, some by sex.
    static func diagnosis(age: Int, sex: Int, rng: inout RNG) -> Int {
        let old = max(0, Double(age - 35) / 55)
        let w: [Double] = [18 - 8 * old, 10, 8 - 4 * old, 8, sex == 0 ? 9 : 4, 2 + 12 * old, 2 + 20 * old,
                           1 + (sex == 1 ? 16 : 10) * old, 1 + 9 * old, 1 + 14 * old]
        return rng.categorical(w)
    }

    /// Yearly income in thousands: log-normal around an education and age profile, rounded to 1k.
    static func income(age: Int, sex: Int, education: Int, rng: inout RNG) -> Double {
        let a = Double(age)
        let experience = a < 65 ? 0.9 * min(1, (a - 17) / 25) : 0.6
        let mu = log(18.0) + 0.16 * Double(education) + experience + (sex == 1 ? 0.12 : 0)
        return min(250, max(0, (exp(mu + 0.5 * rng.normal())).rounded()))
    }
}
