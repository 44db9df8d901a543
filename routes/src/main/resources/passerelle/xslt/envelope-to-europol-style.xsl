<?xml version="1.0" encoding="UTF-8"?>
<!--
  Renders a Passerelle envelope (urn:passerelle:envelope:1) as a europol-style message
  (urn:passerelle:europol-style:1, schemas/.../xsd/europol-style-1.xsd), for the partners that
  declare that format. XSLT 1.0, run by the JDK's own processor; the input is a valid envelope and
  the output is checked against europol-style-1.xsd before it leaves the gateway, so a value this
  stylesheet does not know ends as a rendering that does not validate, never as a silent guess.
  The XML declaration is written by the caller, so that every rendering starts the same way.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:pe="urn:passerelle:envelope:1"
                xmlns="urn:passerelle:europol-style:1"
                exclude-result-prefixes="pe">

  <xsl:output method="xml" encoding="UTF-8" indent="yes" omit-xml-declaration="yes"/>
  <xsl:strip-space elements="*"/>
  <!-- Free text is kept exactly as written, blank lines and all. -->
  <xsl:preserve-space elements="pe:freeText pe:legalBasis"/>

  <xsl:template match="/pe:Envelope">
    <Message>
      <Header>
        <MessageId><xsl:value-of select="pe:messageId"/></MessageId>
        <xsl:for-each select="pe:conversationId">
          <ConversationId><xsl:value-of select="."/></ConversationId>
        </xsl:for-each>
        <xsl:for-each select="pe:caseReference">
          <Reference><xsl:value-of select="."/></Reference>
        </xsl:for-each>
        <Created><xsl:value-of select="pe:createdAt"/></Created>
        <Originator><xsl:value-of select="pe:sender"/></Originator>
        <Addressees>
          <xsl:for-each select="pe:recipients/pe:recipient">
            <Addressee><xsl:value-of select="."/></Addressee>
          </xsl:for-each>
        </Addressees>
        <MessageKind><xsl:apply-templates select="pe:messageType"/></MessageKind>
        <Priority><xsl:value-of select="pe:priority"/></Priority>
        <Classification><xsl:value-of select="pe:classification"/></Classification>
        <HandlingCodes>
          <xsl:for-each select="pe:handlingCodes/pe:handlingCode">
            <HandlingCode><xsl:value-of select="."/></HandlingCode>
          </xsl:for-each>
        </HandlingCodes>
        <Evaluation source="{pe:evaluation/pe:sourceReliability}"
                    information="{pe:evaluation/pe:informationAssessment}"/>
        <xsl:for-each select="pe:legalBasis">
          <LegalBasis><xsl:value-of select="."/></LegalBasis>
        </xsl:for-each>
        <xsl:for-each select="pe:expiresAt">
          <ValidUntil><xsl:value-of select="."/></ValidUntil>
        </xsl:for-each>
      </Header>
      <Entities>
        <xsl:apply-templates select="pe:body/pe:person | pe:body/pe:organisation | pe:body/pe:vehicle
                                     | pe:body/pe:vessel | pe:body/pe:container | pe:body/pe:location
                                     | pe:body/pe:financialAccount | pe:body/pe:seizure"/>
      </Entities>
      <xsl:for-each select="pe:body/pe:freeText">
        <Narrative><xsl:value-of select="."/></Narrative>
      </xsl:for-each>
      <xsl:if test="pe:body/pe:attachment">
        <Attachments>
          <xsl:apply-templates select="pe:body/pe:attachment"/>
        </Attachments>
      </xsl:if>
    </Message>
  </xsl:template>

  <xsl:template match="pe:messageType">
    <xsl:choose>
      <xsl:when test=". = 'INTEL_REPORT'">INFORMATION</xsl:when>
      <xsl:when test=". = 'REQUEST_FOR_INFORMATION'">REQUEST</xsl:when>
      <xsl:when test=". = 'RFI_RESPONSE'">REPLY</xsl:when>
      <xsl:when test=". = 'SEIZURE_NOTIFICATION'">SEIZURE</xsl:when>
      <xsl:when test=". = 'ASSET_TRACING_REQUEST'">ASSET_TRACING</xsl:when>
      <xsl:when test=". = 'ALERT'">ALERT</xsl:when>
      <!-- A type added to the envelope but not here: the output fails validation, on purpose. -->
      <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="pe:person">
    <Person>
      <xsl:copy-of select="@id"/>
      <Surname><xsl:value-of select="pe:familyName"/></Surname>
      <Forename><xsl:value-of select="pe:givenName"/></Forename>
      <xsl:for-each select="pe:dateOfBirth">
        <DateOfBirth><xsl:value-of select="."/></DateOfBirth>
      </xsl:for-each>
      <xsl:for-each select="pe:nationality">
        <Nationality><xsl:value-of select="."/></Nationality>
      </xsl:for-each>
      <xsl:for-each select="pe:documentNumber">
        <IdentityDocument><xsl:value-of select="."/></IdentityDocument>
      </xsl:for-each>
      <xsl:for-each select="pe:role">
        <Role><xsl:value-of select="."/></Role>
      </xsl:for-each>
    </Person>
  </xsl:template>

  <xsl:template match="pe:organisation">
    <Organisation>
      <xsl:copy-of select="@id"/>
      <Name><xsl:value-of select="pe:name"/></Name>
      <xsl:for-each select="pe:country">
        <Country><xsl:value-of select="."/></Country>
      </xsl:for-each>
      <xsl:for-each select="pe:registrationNumber">
        <RegistrationNumber><xsl:value-of select="."/></RegistrationNumber>
      </xsl:for-each>
    </Organisation>
  </xsl:template>

  <xsl:template match="pe:vehicle">
    <Vehicle>
      <xsl:copy-of select="@id"/>
      <xsl:for-each select="pe:registration">
        <Registration><xsl:value-of select="."/></Registration>
      </xsl:for-each>
      <xsl:for-each select="pe:make">
        <Make><xsl:value-of select="."/></Make>
      </xsl:for-each>
      <xsl:for-each select="pe:model">
        <Model><xsl:value-of select="."/></Model>
      </xsl:for-each>
      <xsl:for-each select="pe:vin">
        <Vin><xsl:value-of select="."/></Vin>
      </xsl:for-each>
    </Vehicle>
  </xsl:template>

  <xsl:template match="pe:vessel">
    <Vessel>
      <xsl:copy-of select="@id"/>
      <xsl:for-each select="pe:name">
        <Name><xsl:value-of select="."/></Name>
      </xsl:for-each>
      <xsl:for-each select="pe:imoNumber">
        <ImoNumber><xsl:value-of select="."/></ImoNumber>
      </xsl:for-each>
      <xsl:for-each select="pe:flag">
        <Flag><xsl:value-of select="."/></Flag>
      </xsl:for-each>
      <xsl:for-each select="pe:mmsi">
        <Mmsi><xsl:value-of select="."/></Mmsi>
      </xsl:for-each>
    </Vessel>
  </xsl:template>

  <xsl:template match="pe:container">
    <Container>
      <xsl:copy-of select="@id"/>
      <Number><xsl:value-of select="pe:number"/></Number>
      <xsl:for-each select="pe:carrier">
        <Carrier><xsl:value-of select="."/></Carrier>
      </xsl:for-each>
      <xsl:for-each select="pe:portOfLoading">
        <PortOfLoading><xsl:value-of select="."/></PortOfLoading>
      </xsl:for-each>
      <xsl:for-each select="pe:portOfDischarge">
        <PortOfDischarge><xsl:value-of select="."/></PortOfDischarge>
      </xsl:for-each>
    </Container>
  </xsl:template>

  <!-- A location is an entity of its own, or the place of a seizure. -->
  <xsl:template name="location-fields">
    <xsl:copy-of select="@id"/>
    <xsl:for-each select="pe:name">
      <Name><xsl:value-of select="."/></Name>
    </xsl:for-each>
    <xsl:for-each select="pe:country">
      <Country><xsl:value-of select="."/></Country>
    </xsl:for-each>
    <xsl:for-each select="pe:latitude">
      <Latitude><xsl:value-of select="."/></Latitude>
    </xsl:for-each>
    <xsl:for-each select="pe:longitude">
      <Longitude><xsl:value-of select="."/></Longitude>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="pe:body/pe:location">
    <Location>
      <xsl:call-template name="location-fields"/>
    </Location>
  </xsl:template>

  <xsl:template match="pe:financialAccount">
    <Account>
      <xsl:copy-of select="@id | @holderRef"/>
      <xsl:for-each select="pe:iban">
        <Iban><xsl:value-of select="."/></Iban>
      </xsl:for-each>
      <xsl:for-each select="pe:bic">
        <Bic><xsl:value-of select="."/></Bic>
      </xsl:for-each>
      <xsl:for-each select="pe:accountNumber">
        <AccountNumber><xsl:value-of select="."/></AccountNumber>
      </xsl:for-each>
      <xsl:for-each select="pe:holder">
        <HolderName><xsl:value-of select="."/></HolderName>
      </xsl:for-each>
      <xsl:for-each select="pe:institution">
        <Institution><xsl:value-of select="."/></Institution>
      </xsl:for-each>
    </Account>
  </xsl:template>

  <xsl:template match="pe:seizure">
    <Seizure>
      <xsl:copy-of select="@id"/>
      <Substance><xsl:value-of select="pe:substance"/></Substance>
      <xsl:for-each select="pe:description">
        <Description><xsl:value-of select="."/></Description>
      </xsl:for-each>
      <Quantity unit="{pe:unit}"><xsl:value-of select="pe:quantity"/></Quantity>
      <xsl:for-each select="pe:date">
        <Date><xsl:value-of select="."/></Date>
      </xsl:for-each>
      <xsl:for-each select="pe:location">
        <Place>
          <xsl:call-template name="location-fields"/>
        </Place>
      </xsl:for-each>
    </Seizure>
  </xsl:template>

  <xsl:template match="pe:attachment">
    <Attachment>
      <xsl:copy-of select="@id | @filename | @mediaType"/>
      <Content><xsl:value-of select="pe:content"/></Content>
      <xsl:for-each select="pe:sha256">
        <Sha256><xsl:value-of select="."/></Sha256>
      </xsl:for-each>
    </Attachment>
  </xsl:template>

</xsl:stylesheet>
