/// Options of how input files are read that apply to every importer of a run, whatever it reads (visit logs,
/// forms, registers, allocated time).
///
/// They are task-local values bound by the command around its work (`InputOptions.$sheet.withValue(…)`), so that
/// each importer need not pass them on. Files are opened on the command's own thread, where the binding holds.
package enum InputOptions {
    /// The worksheet to read in every workbook given (`--sheet NAME`); nil: each workbook's first sheet.
    @TaskLocal package static var sheet: String?
}
