// The asn1-x509 and asn1-ecc module files the MSP imports, instead of the packages' index modules,
// which load the schema of every X.509 extension and EC structure: that is about 6 ms more at every
// start of the bundled CLI. The packages declare their types once, for the index (build/types);
// these module names re-export those types.
declare module '@peculiar/asn1-x509/build/cjs/algorithm_identifier.js' {
  export { AlgorithmIdentifier } from '@peculiar/asn1-x509';
}
declare module '@peculiar/asn1-x509/build/cjs/certificate.js' {
  export { Certificate } from '@peculiar/asn1-x509';
}
declare module '@peculiar/asn1-x509/build/cjs/certificate_list.js' {
  export { CertificateList } from '@peculiar/asn1-x509';
}
declare module '@peculiar/asn1-x509/build/cjs/extensions/authority_key_identifier.js' {
  export { AuthorityKeyIdentifier, id_ce_authorityKeyIdentifier } from '@peculiar/asn1-x509';
}
declare module '@peculiar/asn1-x509/build/cjs/extensions/subject_key_identifier.js' {
  export { SubjectKeyIdentifier, id_ce_subjectKeyIdentifier } from '@peculiar/asn1-x509';
}
declare module '@peculiar/asn1-ecc/build/cjs/ec_signature_value.js' {
  export { ECDSASigValue } from '@peculiar/asn1-ecc';
}
