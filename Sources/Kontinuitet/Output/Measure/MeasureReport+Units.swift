/// The section "Resultat per enhet": per provider, a table of its units (`units.csv`), for quality reports, which
/// are written per unit.
extension MeasureReport {
    /// How a unit without a name (users whose rows carry no unit) is shown.
    static let noUnitLabel = "Utan enhet"

    /// A unit's figures as the tables show them; held back under the small-number limit like a provider's.
    func figures(_ unit: UnitMeasurement) -> Figures {
        Figures(
            name: unit.unit.isEmpty ? Self.noUnitLabel : unit.unit, measuredUsers: unit.measuredUsers,
            sampledUsers: unit.sampledUsers, summary: unit.summary, distribution: unit.distribution,
            suppressed: unit.measuredUsers < minimumUsers)
    }

    /// One table per provider (providers and units in Swedish alphabetical order, the unnamed unit last).
    func unitsSection() -> HTMLNode {
        let byProvider = Dictionary(grouping: result.units, by: \.provider)
        let columns: [HTMLTable.Column] = [
            .text("Enhet"), .number("Mätta brukare"), .number("Brukare i urvalet"), .number("Medelvärde"),
            .number("Median"), .number("Lägst"), .number("Högst"), .number("Andel som mött fler än 20"),
        ]
        var groups: [HTMLNode] = []
        for provider in providersByName() {
            let units = (byProvider[provider.name] ?? []).sorted { a, b in
                if a.unit.isEmpty != b.unit.isEmpty { return !a.unit.isEmpty }
                let ka = SwedishCollation.key(a.unit)
                let kb = SwedishCollation.key(b.unit)
                if ka != kb { return ka.lexicographicallyPrecedes(kb) }
                return a.unit.utf8.lexicographicallyPrecedes(b.unit.utf8)
            }
            guard !units.isEmpty else { continue }
            let table = HTMLTable(
                caption: nil, columns: columns, rows: units.map { HTMLTable.Row(cells: figureCells(figures($0))) },
                className: "units")
            groups.append(
                .element(
                    "div", ["class": "unit-group", "data-provider": provider.name],
                    [.element("h3", text: provider.name), table.node()]))
        }
        return HTMLNode.section(
            "Resultat per enhet", id: "enheter",
            [
                .element(
                    "p", ["class": "keep-with-next"],
                    text: "Varje brukare räknas till den enhet som står på brukarens besök i slutet av mätperioden. "
                        + "Urvalet görs per utförare: en enhets värden gäller de brukare i utförarens urval som hör "
                        + "till enheten. Enheter med färre än \(ReportFormat.integer(minimumUsers)) mätta brukare "
                        + "visas som ”\(Self.suppressedText)”.")
            ] + groups)
    }
}
