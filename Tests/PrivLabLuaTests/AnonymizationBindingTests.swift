import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.anonymize.*` and `pl.data.census` / `pl.data.microdata` from Lua: the hand-checked table of
/// the engine tests through the bridge, the attack results as plain tables, and the clear errors.
final class AnonymizationBindingTests: XCTestCase {
    static let eight = """
        local t = pl.data.microdata{order = {"age", "zip", "sex", "disease"}, columns = {
          age = {21, 23, 25, 27, 41, 43, 45, 47}, zip = {100, 102, 101, 103, 100, 101, 103, 102},
          sex = {"F", "M", "F", "M", "M", "M", "F", "F"},
          disease = {"flu", "flu", "cancer", "flu", "hiv", "hiv", "flu", "cancer"}},
          levels = {disease = {"flu", "cancer", "hiv"}}}
        """

    func testKAnonymityChecksAndTheAttackFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec(Self.eight + """
            local r = pl.anonymize.k_anonymity{data = t, quasi = {"age", "zip", "sex"}, sensitive = "disease", k = 2}
            local info = r:info()
            print(info.classes, info.smallest, info.discernibility, string.format("%.6f", info.ncp), info.l_distinct)
            local c = r:classes()
            print(c[1].generalisation.age, c[1].generalisation.zip, c[1].generalisation.sex, c[1].sensitive.flu, c[1].sensitive.cancer, table.concat(c[1].ids, ","))
            print(r:rows{n = 1}[1].age, #r:rows{n = 100})
            local l = pl.anonymize.l_diversity{release = r, l = 2}
            print(l.l, l.satisfied, l.violating, #l.per_class)
            local tc = pl.anonymize.t_closeness{release = r, t = 0.5}
            print(string.format("%.4f", tc.t), tc.satisfied)
            local l2 = pl.anonymize.k_anonymity{data = t, quasi = {"age", "zip", "sex"}, sensitive = "disease", k = 2, l = 2}
            print(l2:info().classes, pl.anonymize.l_diversity{release = l2, l = 2}.satisfied)
            local a = pl.anonymize.intersection{releases = {r}, details = true}
            print(a.targets, a.exposed, a.narrowed, a.truth_kept, #a.candidates)
            """)
        XCTAssertEqual(sink.text, """
            4\t2\t16.0\t\(String(format: "%.6f", (12.0 / 26 + 4.0 / 3) / 12))\t1
            [21, 25]\t[100, 101]\tF\t1\t1\t1,3
            [21, 25]\t8
            1.0\tfalse\t2\t4
            0.7500\tfalse
            2\ttrue
            8\t0.5\t0.0\t8\t8

            """)
    }

    func testCensusAndDPReleasesFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local c = pl.data.census{n = 2000, seed = 3}
            print(c:size(), table.concat(c:columns(), ","), #c:column("age"), c:head(1)[1].id)
            local a, b = c:sample{n = 1500, seed = 1}, c:sample{share = 0.75, seed = 2}
            print(a:size(), b:size(), c:subset({5, 2}):ids()[1])
            local r1 = pl.anonymize.dp_release{data = a, quasi = {"age", "sex"}, sensitive = "diagnosis", epsilon = 0.5, seed = 1}
            local r2 = pl.anonymize.dp_release{data = b, quasi = {"age", "sex"}, sensitive = "diagnosis", epsilon = 0.5, seed = 2,
                                               bins = {age = {17, 40, 65, 91}}}
            print(r1:info().cells, r2:info().cells, r1:info().noise, r1:privacy().epsilon, #r1:counts(1))
            local att = pl.anonymize.dp_attack{releases = {r1, r2}, seed = 1}
            print(att.privacy.epsilon, att.replacement.epsilon, att.values, att.accuracy <= att.bound, att.privacy_rdp.accountant)
            local g = pl.anonymize.dp_attack{releases = {
              pl.anonymize.dp_release{data = a, quasi = {"sex"}, sensitive = "diagnosis", mechanism = "gaussian", noise = 2},
              pl.anonymize.dp_release{data = b, quasi = {"sex"}, sensitive = "diagnosis", mechanism = "gaussian", noise = 2}}, accountant = "pld"}
            print(g.privacy.accountant, math.abs(g.privacy.epsilon - pl.privacy.epsilon{sample_rate = 1, noise = 2, steps = 2, delta = 1e-5, accountant = "pld"}) < 1e-9)
            -- The accountant's own settings reach it (as dp = {…} does for a model).
            local coarse = pl.anonymize.dp_attack{releases = {
              pl.anonymize.dp_release{data = a, quasi = {"sex"}, sensitive = "diagnosis", mechanism = "gaussian", noise = 2},
              pl.anonymize.dp_release{data = b, quasi = {"sex"}, sensitive = "diagnosis", mechanism = "gaussian", noise = 2}}, accountant = "pld", discretization = 0.05}
            print(math.abs(coarse.privacy.epsilon - pl.privacy.epsilon{sample_rate = 1, noise = 2, steps = 2, delta = 1e-5, accountant = "pld", discretization = 0.05}) < 1e-9,
                  coarse.privacy.accountant)
            """)
        XCTAssertEqual(sink.text, """
            2000\tage,region,sex,education,marital,race,diagnosis,income\t2000\t1
            1500\t1500\t2
            10\t6\t2.0\t0.5\t10
            1.0\t2.0\t10\ttrue\trdp
            pld\ttrue
            true\tpld

            """)
    }

    func testClearErrors() throws {
        let (rt, _) = try makeRuntime()
        let call = Self.eight + "\npl.anonymize.k_anonymity{data = t, quasi = {\"age\", \"zip\"}, sensitive = \"disease\", "
        assertLuaError(rt, call + "quasi = {\"age\", \"postcode\"}}".replacingOccurrences(of: "quasi = {\"age\", \"zip\"}, ", with: ""),
                       ["script.lua:", "anonymize.k_anonymity: 'postcode' is not a column (columns: age, zip, sex, disease)"])
        assertLuaError(rt, call + "k = 9}", ["anonymize.k_anonymity: k = 9 is larger than the data (8 records)"])
        assertLuaError(rt, call + "k = 0}", ["anonymize.k_anonymity: option 'k' must be at least 1, got 0"])
        assertLuaError(rt, Self.eight + "\npl.anonymize.k_anonymity{data = t, quasi = {\"age\", \"disease\"}, sensitive = \"disease\"}",
                       ["the sensitive attribute 'disease' is also a quasi-identifier"])
        assertLuaError(rt, call + "method = \"datafly\"}", ["option 'method' must be one of \"mondrian\", got \"datafly\""])
        assertLuaError(rt, call + "l = 4}", ["no release can satisfy the constraints", "3 distinct values"])
        assertLuaError(rt, "pl.anonymize.k_anonymity{data = pl.data.blobs{}, quasi = {\"a\"}, sensitive = \"b\"}", ["option 'data' must be a Microdata"])
        assertLuaError(rt, Self.eight + "\npl.anonymize.intersection{releases = {t}}", ["option 'releases'[1] must be a Release, got Microdata"])
        assertLuaError(rt, Self.eight + "\npl.anonymize.dp_release{data = t, quasi = {\"age\"}, sensitive = \"disease\", epsilon = 1}",
                       ["'age' has no public domain"])
        assertLuaError(rt, "pl.data.census{n = 0}", ["data.census: option 'n' must be at least 1"])
    }
}
